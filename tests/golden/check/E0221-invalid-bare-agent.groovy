pipeline {
    agent anywhere
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
