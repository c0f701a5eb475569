pipeline {
    agent {
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
