pipeline {
    agent any
    post {
        always {
            echo 'a'
        }
        always {
            echo 'b'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
