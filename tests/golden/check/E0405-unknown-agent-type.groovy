pipeline {
    agent {
        dockr 'alpine'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
