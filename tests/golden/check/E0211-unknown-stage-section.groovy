pipeline {
    agent any
    stages {
        stage('a') {
            sh 'make'
            steps {
                echo 'hi'
            }
        }
    }
}
